using System;
using System.Xml.Serialization;
using System.Collections.Generic;
using Top.Api.Response;
using Top.Api.Util;

namespace Top.Api.Request
{
    /// <summary>
    /// TOP API: taobao.picture.upload
    /// </summary>
    public class PictureUploadRequest : BaseTopRequest<Top.Api.Response.PictureUploadResponse>, ITopUploadRequest<Top.Api.Response.PictureUploadResponse>
    {
        /// <summary>
        /// 图片上传的来源，有电脑版本宝贝发布，手机版本宝贝发布 client:computer电脑版本宝贝使用 client:phone手机版本宝贝使用
        /// </summary>
        public string ClientType { get; set; }

        /// <summary>
        /// 包括后缀名的图片标题,不能为空，如Bule.jpg,有些卖家希望图片上传后取图片文件的默认名
        /// </summary>
        public string ImageInputTitle { get; set; }

        /// <summary>
        /// 图片二进制文件流,不能为空,大小不能超过2M
        /// </summary>
        public FileItem Img { get; set; }

        /// <summary>
        /// 图片分类ID，设置具体某个分类ID或设置0上传到默认分类，只能传入一个分类
        /// </summary>
        public Nullable<long> PictureCategoryId { get; set; }

        #region ITopRequest Members

        public override string GetApiName()
        {
            return "taobao.picture.upload";
        }

        public override IDictionary<string, string> GetParameters()
        {
            TopDictionary parameters = new TopDictionary();
            parameters.Add("client_type", this.ClientType);
            parameters.Add("image_input_title", this.ImageInputTitle);
            parameters.Add("picture_category_id", this.PictureCategoryId);
            if (this.otherParams != null)
            {
                parameters.AddAll(this.otherParams);
            }
            return parameters;
        }

        public override void Validate()
        {
            RequestValidator.ValidateRequired("image_input_title", this.ImageInputTitle);
            RequestValidator.ValidateMaxLength("image_input_title", this.ImageInputTitle, 50);
            RequestValidator.ValidateRequired("img", this.Img);
            RequestValidator.ValidateRequired("picture_category_id", this.PictureCategoryId);
        }

        #endregion

        #region ITopUploadRequest Members

        public IDictionary<string, FileItem> GetFileParameters()
        {
            IDictionary<string, FileItem> parameters = new Dictionary<string, FileItem>();
            parameters.Add("img", this.Img);
            return parameters;
        }

        #endregion
    }
}
